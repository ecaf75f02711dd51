-- The load log's accounting: rows_in is counted from the file by the reader; rows_skipped now holds
-- totals, signature lines and blank rows, of which rows_blank the blank ones; errors in both languages.
ALTER TABLE load_log ADD COLUMN rows_blank BIGINT NOT NULL DEFAULT 0;
ALTER TABLE load_log ADD COLUMN error_en VARCHAR;
