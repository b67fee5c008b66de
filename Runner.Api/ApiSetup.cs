using Hangfire;
using Runner.Api.Access;
using Runner.Api.Analysis;
using Runner.Api.Batches;
using Runner.Api.Compare;
using Runner.Api.Health;
using Runner.Api.Pages;
using Runner.Api.Recipes;
using Runner.Api.Requests;
using Runner.Api.Telemetry;
using Runner.Api.Workers;
using Runner.Core.Batches;
using Runner.Core.Database;
using Runner.Core.Hosting;
using Runner.Core.Queueing;
using Runner.Core.Validation;
using Runner.Core.Workers;
using Scalar.AspNetCore;

namespace Runner.Api;

public static class ApiSetup
{
    public const string DashboardPath = "/hangfire";

    /// <summary>The API enqueues jobs and serves the dashboard; it runs no jobs (no Hangfire server here).</summary>
    public static WebApplicationBuilder AddRunnerApi(this WebApplicationBuilder builder)
    {
        builder.Logging.AddRunnerConsole();
        var connectionString = RunnerSettings.ConnectionString(builder.Configuration);
        var queue = QueueOptions.From(builder.Configuration);

        builder.WebHost.ConfigureKestrel(RequestLimits.ConfigureKestrel);
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName)
            .Validate(o => o.TrustedProxies.All(p => System.Net.IPAddress.TryParse(p, out _)), $"{AccessOptions.SectionName}:TrustedProxies must list IP addresses.")
            .ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new FiniteDoubleConverter());
            // Closed sets (statuses, precisions) are types in the code and their lower-case names in JSON.
            o.SerializerOptions.Converters.Add(JsonNames.Converter);
        });
        builder.Services.AddOptions<WorkersOptions>().BindConfiguration(WorkersOptions.SectionName)
            .Validate(o => o.LostAfterSeconds > 0, $"{WorkersOptions.SectionName}:LostAfterSeconds must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<BatchLimits>().BindConfiguration(BatchLimits.SectionName)
            .Validate(o => o.MaxRuns > 0 && o.MaxArms > 0 && o.MaxSeeds > 0, $"{BatchLimits.SectionName}: MaxRuns, MaxArms and MaxSeeds must be positive.")
            .ValidateOnStart();
        builder.Services
            .AddRunnerDatabase(connectionString)
            .AddRunnerHangfire(connectionString, queue)
            .AddSingleton<AccessPolicy>()
            .AddSingleton<WorkerStore>()
            .AddSingleton<ProbeStore>()
            .AddSingleton<BatchStore>()
            .AddSingleton<BatchSubmission>()
            .AddHostedService<MissingJobsRepair>()
            .AddHostedService<LostWorkerRepair>()
            .AddRunnerTelemetry(builder.Configuration, queue)
            .AddRunnerHealthChecks()
            .AddProblemDetails()
            .AddExceptionHandler<ProblemExceptionHandler>()
            .AddAntiforgery()
            .AddOpenApi()
            .AddPages();
        return builder;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app) =>
        await SchemaMigrator.MigrateAsync(RunnerSettings.ConnectionString(app.Configuration), QueueOptions.From(app.Configuration).SchemaName, app.Logger);

    public static WebApplication MapRunnerApi(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseSecurityHeaders(PagesApi.Path);
        app.UseExceptionHandler();
        app.UseStatusCodePages(Problems.WriteStatusAsync);
        app.UseUriLimit();
        app.UseCrossSiteGuard(DashboardPath);
        app.UseDashboardKeyCookie(DashboardPath);
        RunPageLink.Register();
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AccessEndpoints.DashboardFilter()],
            IsReadOnlyFunc = AccessEndpoints.DashboardIsReadOnly,
            DashboardTitle = "Runner jobs",
            AppPath = PagesApi.BatchesPath,
        });
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthApi();
        app.MapTelemetryApi();
        app.MapWorkersApi();
        app.MapAnalysisApi();
        app.MapRecipesApi();
        app.MapBatchesApi();
        app.MapCompare();
        app.MapPages();
        return app;
    }
}
