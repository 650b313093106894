-- Prefix indexes up to 8 characters (0009 had 1 to 3): search-as-you-type sends the last word as a
-- prefix, and a 4 to 8 letter prefix like "marti" or "wright" used to merge every indexed word
-- starting with it (martin, martin1 … martin999 from e-mail addresses): 6-7 ms of CPU per search
-- at 1,000,000 customers, against 1-2 ms now (bench/search-index.bench.ts). The index grows by
-- about a fifth; migration 0017 moves its upkeep out of the customer's own write.
DROP TRIGGER customers_fts_insert;
DROP TRIGGER customers_fts_delete;
DROP TRIGGER customers_fts_update;
DROP TABLE customers_fts;
CREATE VIRTUAL TABLE customers_fts USING fts5 (
  email, first_name, last_name, company, reference,
  content = 'customers', content_rowid = 'seq', prefix = '1 2 3 4 5 6 7 8'
);
INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
  INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
  VALUES (new.seq, new.email, new.first_name, new.last_name, new.company, new.reference);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF email, first_name, last_name, company, reference ON customers BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
  INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
  VALUES (new.seq, new.email, new.first_name, new.last_name, new.company, new.reference);
END;
