-- refused at line 2: canon does not manage LISTEN statements
LISTEN order_events;
