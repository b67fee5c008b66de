-- Workers record themselves at start and keep heartbeat_at fresh; a worker whose heartbeat is
-- older than the API's lost-after threshold is reported as lost. Times come from the database
-- clock (now()), so machines with skewed clocks still agree.
create table workers (
    id                 uuid primary key,
    name               text        not null,
    host               text        not null,
    process_id         integer     not null,
    queues             text[]      not null,
    device_kind        text        not null check (device_kind in ('cpu', 'cuda')),
    device             text        not null,
    device_name        text        not null,
    cuda_available     boolean     not null,
    torchsharp_version text        not null,
    libtorch_version   text        not null,
    threads            integer     not null check (threads > 0),
    started_at         timestamptz not null default now(),
    heartbeat_at       timestamptz not null default now(),
    stopped_at         timestamptz
);

create index workers_heartbeat_at on workers (heartbeat_at desc);

-- A probe is a small timed matrix multiply that a worker runs on its device through Hangfire:
-- the end-to-end check of API -> queue -> worker -> database.
create table probes (
    id           bigint generated always as identity primary key,
    queue        text        not null,
    job_id       text,
    status       text        not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
    requested_at timestamptz not null default now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    worker_id    uuid references workers (id),
    device       text,
    device_name  text,
    matrix_size  integer,
    repeats      integer,
    seconds      double precision,
    gflops       double precision,
    error        text
);
