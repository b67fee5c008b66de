-- Provenance of the arithmetic: the precision a run actually trained in (a recipe's "auto" resolved on its
-- device) and the worker's numerics settings on CUDA (TF32 for fp32 matrix products and convolutions).
alter table runs add column precision text, add column numerics text;
