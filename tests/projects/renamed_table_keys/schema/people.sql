CREATE TABLE public.teams (id integer PRIMARY KEY);
-- Every key, index and sequence named after the table follows it to its new name.
CREATE TABLE public.people ( -- canon: renamed from persons
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    team_id integer REFERENCES public.teams (id),
    age integer CHECK (age >= 0)
);
CREATE INDEX people_lower_email_idx ON public.people (lower(email));
CREATE TABLE public.visits (id integer PRIMARY KEY, person_id integer REFERENCES public.people (id));
