CREATE FUNCTION public.norm(v text) RETURNS varchar LANGUAGE sql IMMUTABLE RETURN lower(v);
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE UNIQUE INDEX users_email_norm ON public.users (public.norm(email));
CREATE VIEW public.user_emails AS SELECT id, public.norm(email) AS email FROM public.users;
CREATE VIEW public.user_email_domains AS SELECT id, split_part(email, '@', 2) AS domain FROM public.user_emails;
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_visible ON public.users USING (public.norm(email) IS NOT NULL);
