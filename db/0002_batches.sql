-- An ablation batch: arms (recipes) × seeds, one run per pair, each run a Hangfire job.
-- Lock order everywhere: the batch row first, then its runs (claim, finish, cancel), so that
-- concurrent workers and a cancellation never deadlock.
create table batches (
    id              bigint generated always as identity primary key,
    name            text        not null,
    status          text        not null default 'queued'
                    check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
    spec            jsonb       not null,
    seeds           bigint[]    not null,
    baseline        text        not null,
    metric          text        not null,
    level           double precision not null,
    correction      text        not null,
    test            text        not null,
    queue           text        not null,
    priority        text        not null,
    data            text,
    idempotency_key text unique,
    request_hash    text        not null,
    created_at      timestamptz not null default now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    cancelled_at    timestamptz
);

create index batches_created_at on batches (created_at desc, id desc);
create index batches_status on batches (status);

create table arms (
    id          bigint generated always as identity primary key,
    batch_id    bigint  not null references batches (id) on delete cascade,
    position    integer not null,
    name        text    not null,
    is_baseline boolean not null,
    variant     jsonb   not null,
    recipe      text    not null, -- canonical JSON, byte for byte what recipe_hash hashes
    recipe_hash text    not null,
    unique (batch_id, name),
    unique (batch_id, position)
);

-- attempt is the fencing token: every execution claims the run by incrementing it, and every later
-- write names the attempt it belongs to, so a superseded execution can never write.
create table runs (
    id                 bigint generated always as identity primary key,
    batch_id           bigint  not null references batches (id) on delete cascade,
    arm_id             bigint  not null references arms (id) on delete cascade,
    seed               bigint  not null,
    position           integer not null,
    status             text    not null default 'queued'
                       check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    job_id             text,
    attempt            integer not null default 0,
    transient_failures integer not null default 0,
    recipe             text    not null, -- canonical JSON, byte for byte what recipe_hash hashes
    recipe_hash        text    not null,
    worker_id          uuid references workers (id),
    worker_name        text,
    device             text,
    device_name        text,
    torchsharp_version text,
    libtorch_version   text,
    threads            integer,
    data               text,
    steps_done         bigint,
    steps_total        bigint,
    queued_at          timestamptz not null default now(),
    started_at         timestamptz,
    -- from the job's start to the end of its first training step: data, whitening, model setup
    first_step_seconds double precision,
    progress_at        timestamptz,
    finished_at        timestamptz,
    test_accuracy      double precision,
    tta_accuracy       double precision,
    train_loss         double precision,
    train_accuracy     double precision,
    training_seconds   double precision,
    total_seconds      double precision,
    steps              bigint,
    error              text,
    error_kind         text check (error_kind in ('deterministic', 'transient', 'worker-lost')),
    unique (arm_id, seed),
    unique (batch_id, position)
);

create index runs_batch_status on runs (batch_id, status);

create table epochs (
    run_id           bigint  not null references runs (id) on delete cascade,
    epoch            integer not null,
    attempt          integer not null,
    train_loss       double precision not null,
    train_accuracy   double precision not null,
    test_accuracy    double precision not null,
    learning_rate    double precision not null,
    epoch_seconds    double precision not null,
    training_seconds double precision not null,
    recorded_at      timestamptz not null default now(),
    primary key (run_id, epoch)
);
