using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Runner.Api.Access;
using Runner.Api.Workers;
using Runner.Core.Queueing;
using Runner.Core.Telemetry;

namespace Runner.Api.Telemetry;

/// <summary>
/// OpenTelemetry of the API: metrics of its HTTP server (ASP.NET Core's instrumentation), its database connections
/// (Npgsql's meter), Runner's own (<see cref="RunnerMetrics"/>) and the gauges read from the database
/// (<see cref="DatabaseGauges"/>), scraped by Prometheus at <see cref="Path"/>: loopback, or the API key from
/// anywhere else, as the mutating endpoints (a scrape reads queue and worker counts). Traces of its requests (scrapes
/// left out) and of each batch's submission (<see cref="RunnerTelemetry"/>).
/// </summary>
public static class TelemetryApi
{
    public const string Path = "/prometheus";

    public static IServiceCollection AddRunnerTelemetry(this IServiceCollection services, IConfiguration configuration, QueueOptions queue)
    {
        services.AddRunnerTelemetry(configuration, "runner-api", instance: null,
            metrics: m => m
                .AddAspNetCoreInstrumentation()
                .AddInstrumentation(sp => new DatabaseGauges(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<NpgsqlDataSource>(), queue,
                    TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WorkersOptions>>().Value.LostAfterSeconds)))
                .AddPrometheusExporter(),
            tracing: t => t.AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != Path));
        return services;
    }

    public static WebApplication MapTelemetryApi(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path).RequireApiKey();
        return app;
    }
}
