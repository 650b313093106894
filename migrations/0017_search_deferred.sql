-- The customer search index is filled after the write instead of inside it (issue 13): a creation
-- no longer pays for the FTS5 rows (most of its SQL cost), and the index is caught up in chunks by
-- the search loop, and by a search itself before it reads (server/customers/search-index.ts), so a
-- search still finds a customer created a moment before.
--
-- indexed_seq: every customer with seq <= it is in customers_fts. seq is AUTOINCREMENT (never
-- reused) and writes are serialised, so the rows above it are exactly the ones not indexed yet.
CREATE TABLE search_index_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_seq INTEGER NOT NULL
);
INSERT INTO search_index_state (id, indexed_seq) VALUES (1, (SELECT COALESCE(MAX(seq), 0) FROM customers));

DROP TRIGGER customers_fts_insert;
DROP TRIGGER customers_fts_delete;
DROP TRIGGER customers_fts_update;
-- A row not indexed yet has nothing to remove (an external-content 'delete' must match what was
-- indexed); the catch-up will read its current values.
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers
WHEN old.seq <= (SELECT indexed_seq FROM search_index_state WHERE id = 1) BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF email, first_name, last_name, company, reference ON customers
WHEN old.seq <= (SELECT indexed_seq FROM search_index_state WHERE id = 1) BEGIN
  INSERT INTO customers_fts (customers_fts, rowid, email, first_name, last_name, company, reference)
  VALUES ('delete', old.seq, old.email, old.first_name, old.last_name, old.company, old.reference);
  INSERT INTO customers_fts (rowid, email, first_name, last_name, company, reference)
  VALUES (new.seq, new.email, new.first_name, new.last_name, new.company, new.reference);
END;
