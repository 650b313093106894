-- Prefix indexes for the search-as-you-type Subscribers search: a query like "tho" or "ma" reads a
-- prefix index instead of merging every term that starts with it (p95 at 1M customers).
DROP TRIGGER customers_fts_insert;
DROP TRIGGER customers_fts_delete;
DROP TRIGGER customers_fts_update;
DROP TABLE customers_fts;
CREATE VIRTUAL TABLE customers_fts USING fts5 (
  email, first_name, last_name, company, reference,
  content = 'customers', content_rowid = 'seq', prefix = '1 2 3'
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
