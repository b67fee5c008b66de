-- The W3C trace context of the batch's submission, so that each run attempt's span in the worker joins the trace
-- that began with POST /batches (null where the submission was not traced, and for runs submitted before).
alter table runs add column trace_parent text;
