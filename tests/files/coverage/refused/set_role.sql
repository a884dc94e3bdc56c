-- refused at line 2: canon does not manage the session's role (SET ROLE, SET SESSION AUTHORIZATION); declare owners with ALTER … OWNER TO
SET ROLE app_owner;
