-- A factorial batch's design: its factors (letter, trick or field with its two values, base level) and generators.
-- Its arms are the design's configurations in standard order (arm position = configuration); null for other batches.
alter table batches add column factorial jsonb;
