CREATE TABLE public.people ( -- canon: renamed from persons
    id integer NOT NULL,
    full_name text NOT NULL, -- canon: renamed from name
    nickname text,
    CONSTRAINT people_pkey PRIMARY KEY (id) -- canon: renamed from persons_pkey
);
CREATE TYPE public.mood AS ENUM (
    'happy', -- canon: renamed from glad
    'sad'
);
CREATE TABLE public.moods (person_id integer PRIMARY KEY, mood public.mood NOT NULL);
