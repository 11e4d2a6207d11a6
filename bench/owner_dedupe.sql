-- The sqlite3 side of the owner-import benchmark (docs/benchmarks.md, "Owner import: sqlite3
-- peer"): the exact email-or-phone dedupe of list.csv against owners.csv, as someone with only
-- sqlite3 would write it. Run from the folder holding both files (bench/owner_lists.py):
--   cd DIR && sqlite3 -bail :memory: < bench/owner_dedupe.sql
-- Between phases it prints `mark|<phase>|<epoch seconds>`; scripts/bench-owner-import turns
-- those into phase times. The count it is measured on is `matched|N`; what follows the last
-- mark is a breakdown for checking, not timed.
.mode list
.headers off
PRAGMA temp_store = MEMORY;

SELECT 'mark', 'start', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
-- The header row names the columns; every column is TEXT.
.import --csv owners.csv owners
SELECT 'mark', 'import_owners', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
.import --csv list.csv list
SELECT 'mark', 'import_list', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);

-- What a national number needs to become E.164: the calling code, and the trunk prefix the
-- country writes in front of national numbers (none in the US, where "1" is optional).
CREATE TABLE calling_code (country TEXT PRIMARY KEY, code TEXT NOT NULL, trunk TEXT NOT NULL);
INSERT INTO calling_code VALUES
  ('DE', '49', '0'), ('FR', '33', '0'), ('GB', '44', '0'),
  ('US', '1', ''), ('CN', '86', '0'), ('IN', '91', '0');

-- Both files through one normalisation. A view over both tables: the WHERE on `side` below is
-- pushed into each branch, so neither table is read twice.
CREATE VIEW contact AS
  SELECT 'owner' AS side, rowid AS id, email, phone, country FROM owners
  UNION ALL
  SELECT 'list', rowid, email, phone, country FROM list;
-- Email: case, spaces around, a "mailto:" in front. Phone: spaces, dashes, dots and
-- parentheses out; "00" is "+"; a national number gets its country's calling code in place of
-- the trunk prefix. What cannot be read is NULL and matches nothing.
CREATE VIEW contact_key AS
  WITH cleaned AS (
    SELECT side, id, lower(trim(email)) AS email,
           replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '.', ''), '(', ''),
                   ')', '') AS phone,
           calling_code.code, calling_code.trunk
    FROM contact LEFT JOIN calling_code ON calling_code.country = upper(trim(contact.country)))
  SELECT side, id,
         nullif(trim(CASE WHEN email LIKE 'mailto:%' THEN substr(email, 8) ELSE email END),
                '') AS email,
         CASE
           WHEN phone = '' THEN NULL
           WHEN phone LIKE '+%' THEN phone
           WHEN phone LIKE '00%' THEN '+' || substr(phone, 3)
           WHEN code IS NULL THEN NULL
           WHEN trunk <> '' AND phone LIKE trunk || '%' THEN '+' || code || substr(phone, length(trunk) + 1)
           ELSE '+' || code || phone
         END AS phone
  FROM cleaned;
CREATE TABLE owner_key AS SELECT id, email, phone FROM contact_key WHERE side = 'owner';
SELECT 'mark', 'normalise_owners', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);
CREATE TABLE list_key AS SELECT id, email, phone FROM contact_key WHERE side = 'list';
SELECT 'mark', 'normalise_list', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);

CREATE INDEX owner_key_email ON owner_key (email);
CREATE INDEX owner_key_phone ON owner_key (phone);
SELECT 'mark', 'index', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);

SELECT 'matched', count(*) FROM list_key
  WHERE EXISTS (SELECT 1 FROM owner_key WHERE owner_key.email = list_key.email)
     OR EXISTS (SELECT 1 FROM owner_key WHERE owner_key.phone = list_key.phone);
SELECT 'mark', 'join', printf('%.3f', (julianday('now') - 2440587.5) * 86400.0);

-- For checking against truth.json.
SELECT 'by_email', count(*) FROM list_key
  WHERE EXISTS (SELECT 1 FROM owner_key WHERE owner_key.email = list_key.email);
SELECT 'by_phone', count(*) FROM list_key
  WHERE EXISTS (SELECT 1 FROM owner_key WHERE owner_key.phone = list_key.phone);
SELECT 'owners', count(*), count(DISTINCT email), count(DISTINCT phone) FROM owner_key;
SELECT 'list_rows', count(*), count(email), count(phone) FROM list_key;
