-- Every label print job item: which specimen, how many copies, in what format, by whom, and why when it
-- was printed before. At most one first print per specimen (the partial index): two first prints racing
-- on PostgreSQL cannot both count as first; the loser gets 409 and prints again as a reprint.
CREATE TABLE label_prints (
    id TEXT PRIMARY KEY NOT NULL,
    job_id TEXT NOT NULL,
    specimen_id TEXT NOT NULL REFERENCES specimens(id),
    copies INTEGER NOT NULL CHECK (copies BETWEEN 1 AND 100),
    format TEXT NOT NULL CHECK (format IN ('zpl', 'pdf')),
    dpi INTEGER NOT NULL CHECK (dpi IN (203, 300)),
    reprint BOOLEAN NOT NULL,
    reason TEXT,
    actor_id TEXT,
    actor TEXT NOT NULL,
    printed_at TIMESTAMP NOT NULL,
    CHECK (NOT reprint OR reason IS NOT NULL)
);
CREATE INDEX label_prints_specimen ON label_prints (specimen_id, printed_at);
CREATE UNIQUE INDEX label_prints_first ON label_prints (specimen_id) WHERE NOT reprint;
