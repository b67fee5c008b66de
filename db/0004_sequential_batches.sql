-- Group-sequential batches: the design, each look as taken, each arm's decision, why a run was stopped.
alter table batches add column sequential jsonb; -- {"looks": [seeds per arm...], "spending": "...", "margin": δ or null}
alter table arms add column decision text, add column decided_at_look integer;
alter table runs add column stop_reason text;

create table looks (
    batch_id bigint      not null references batches (id) on delete cascade,
    look     integer     not null, -- 1, 2, …
    seeds    integer     not null, -- seeds per arm this look waited for
    taken_at timestamptz not null default now(),
    arms     jsonb       not null, -- per compared arm: n, fraction, boundary, test, repeated interval, decision
    primary key (batch_id, look)
);
