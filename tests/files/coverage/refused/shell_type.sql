-- refused at line 2: canon does not manage base and shell types
CREATE TYPE public.opaque;
