using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Runner.Core.Telemetry;

/// <summary>OpenTelemetry for a Runner process, the API or a worker.</summary>
public static class RunnerTelemetry
{
    /// <summary>OpenTelemetry's standard variable: where set, traces, metrics and logs go there over OTLP.</summary>
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Runner's metrics and Npgsql's; traces of Runner's spans (<see cref="RunnerTraces"/>) and of the database commands
    /// within them, always, so that a submission's trace context reaches its runs whichever process exports. The OTLP
    /// exporter is added only where <see cref="OtlpEndpoint"/> is configured, and then reads OpenTelemetry's other
    /// standard variables (protocol, headers, export interval) as every OpenTelemetry SDK does.
    /// </summary>
    public static OpenTelemetryBuilder AddRunnerTelemetry(this IServiceCollection services, IConfiguration configuration, string service, string? instance,
        Action<MeterProviderBuilder> metrics, Action<TracerProviderBuilder>? tracing = null)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(service, serviceInstanceId: instance))
            .WithMetrics(m =>
            {
                m.AddMeter(RunnerMetrics.MeterName, "Npgsql");
                metrics(m);
            })
            .WithTracing(t =>
            {
                t.SetSampler(new ParentBasedSampler(new NoPollingRoots())).AddSource(RunnerTraces.SourceName).AddNpgsql();
                tracing?.Invoke(t);
            });
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpoint]))
            telemetry.UseOtlpExporter();
        return telemetry;
    }

    /// <summary>
    /// A database command outside any request or run is the service's own polling (Hangfire's fetches, heartbeats, the
    /// repair sweeps): a trace of its own every few seconds that says nothing, so such roots are dropped. Requests and
    /// runs are traced; a span inside them follows its parent.
    /// </summary>
    private sealed class NoPollingRoots : Sampler
    {
        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            new(parameters.Kind == ActivityKind.Client ? SamplingDecision.Drop : SamplingDecision.RecordAndSample);
    }
}
