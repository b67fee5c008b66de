using System.Diagnostics.Metrics;
using Dapper;
using Npgsql;
using Runner.Core.Queueing;

namespace Runner.Core.Telemetry;

/// <summary>
/// Gauges read from the database when metrics are collected (a scrape), one query for all of them (read once a
/// second at most): queue depth per Hangfire queue (entries no worker has fetched), runs by status, and workers
/// whose heartbeat is fresh. A scrape while the database is out of reach reports nothing rather than failing.
/// The gauges live on a meter of the host's own (<see cref="IMeterFactory"/>), so they go with its database.
/// </summary>
public sealed class DatabaseGauges
{
    private readonly NpgsqlDataSource _db;
    private readonly string _schema;
    private readonly TimeSpan _lostAfter;
    private readonly Lock _gate = new();
    private (DateTime At, IReadOnlyList<Row> Rows) _last = (DateTime.MinValue, []);

    public DatabaseGauges(IMeterFactory meters, NpgsqlDataSource db, QueueOptions queue, TimeSpan lostAfter)
    {
        (_db, _schema, _lostAfter) = (db, queue.SchemaName, lostAfter);
        var meter = meters.Create(RunnerMetrics.MeterName);
        meter.CreateObservableGauge("runner.queue.depth", () => Read().Where(r => r.Kind == "queue").Select(Measure), "{job}",
            "Jobs waiting in each Hangfire queue (not fetched by a worker)");
        meter.CreateObservableGauge("runner.runs", () => Read().Where(r => r.Kind == "runs").Select(Measure), "{run}", "Runs by status");
        meter.CreateObservableGauge("runner.workers.alive", () => Read().Where(r => r.Kind == "workers").Select(r => new Measurement<long>(r.Value)),
            "{worker}", "Workers whose heartbeat is fresh");
    }

    private sealed record Row(string Kind, string Name, long Value);

    private static Measurement<long> Measure(Row row) =>
        new(row.Value, new KeyValuePair<string, object?>(row.Kind == "queue" ? "queue" : "status", row.Name));

    private IReadOnlyList<Row> Read()
    {
        lock (_gate)
        {
            if (DateTime.UtcNow - _last.At > TimeSpan.FromSeconds(1))
                _last = (DateTime.UtcNow, Query());
            return _last.Rows;
        }
    }

    private IReadOnlyList<Row> Query()
    {
        try
        {
            using var connection = _db.OpenConnection();
            return connection.Query<Row>($"""
                select 'queue' as Kind, queue as Name, count(*) as Value from "{_schema}".jobqueue where fetchedat is null group by queue
                union all select 'runs', status, count(*) from runs group by status
                union all select 'workers', '', count(*) from workers where stopped_at is null and heartbeat_at > now() - @lostAfter
                """, new { lostAfter = _lostAfter }, commandTimeout: 5).AsList();
        }
        catch (NpgsqlException)
        {
            return [];
        }
    }
}
