-- The equivalence margin of a batch's analysis (in its metric's units); null: no equivalence test.
alter table batches add column margin double precision check (margin > 0);
