CREATE TABLE public.people (id bigint, name text);
CREATE TABLE public.staff (email text, badge text) INHERITS (public.people);
CREATE TABLE public.guests (visit date) INHERITS (public.people);
