CREATE TABLE public.teams (id integer PRIMARY KEY);
CREATE TABLE public.persons (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    team_id integer REFERENCES public.teams (id),
    age integer CHECK (age >= 0)
);
CREATE INDEX persons_lower_email_idx ON public.persons (lower(email));
CREATE TABLE public.visits (id integer PRIMARY KEY, person_id integer REFERENCES public.persons (id));
INSERT INTO public.teams VALUES (1);
INSERT INTO public.persons (email, team_id, age) VALUES ('ann@example.com', 1, 30), ('bob@example.com', NULL, 41);
INSERT INTO public.visits VALUES (1, 1), (2, 2);
