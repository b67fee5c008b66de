using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Runner.Api.Access;
using Runner.Api.Workers;
using Runner.Core.Queueing;
using Runner.Core.Telemetry;

namespace Runner.Api.Telemetry;

/// <summary>
/// OpenTelemetry metrics of the API: its HTTP server (ASP.NET Core's instrumentation), its database connections
/// (Npgsql's meter), Runner's own (<see cref="RunnerMetrics"/>) and the gauges read from the database
/// (<see cref="DatabaseGauges"/>), scraped by Prometheus at <see cref="Path"/>: loopback, or the API key from
/// anywhere else, as the mutating endpoints (a scrape reads queue and worker counts).
/// </summary>
public static class TelemetryApi
{
    public const string Path = "/prometheus";

    public static IServiceCollection AddRunnerTelemetry(this IServiceCollection services, QueueOptions queue)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("runner-api"))
            .WithMetrics(m => m
                .AddMeter(RunnerMetrics.MeterName, "Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddInstrumentation(sp => new DatabaseGauges(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<NpgsqlDataSource>(), queue,
                    TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WorkersOptions>>().Value.LostAfterSeconds)))
                .AddPrometheusExporter());
        return services;
    }

    public static WebApplication MapTelemetryApi(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path).RequireApiKey();
        return app;
    }
}
