-- refused at line 2: canon does not manage text search configurations
CREATE TEXT SEARCH CONFIGURATION public.english_plain (COPY = english);
