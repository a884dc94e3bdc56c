CREATE FUNCTION public.norm(v text) RETURNS varchar LANGUAGE sql IMMUTABLE RETURN lower(v);
COMMENT ON FUNCTION public.norm(text) IS 'lower-cased for comparison';
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL,
    CONSTRAINT users_email_normal CHECK (public.norm(email) <> ''));
COMMENT ON CONSTRAINT users_email_normal ON public.users IS 'no empty address';
CREATE UNIQUE INDEX users_email_norm ON public.users (public.norm(email));
COMMENT ON INDEX public.users_email_norm IS 'one account per address';
CREATE VIEW public.user_emails AS SELECT id, public.norm(email) AS email FROM public.users;
COMMENT ON VIEW public.user_emails IS 'addresses as compared';
COMMENT ON COLUMN public.user_emails.email IS 'normalised address';
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_visible ON public.users USING (public.norm(email) IS NOT NULL);
COMMENT ON POLICY users_visible ON public.users IS 'hide unnamed users';
