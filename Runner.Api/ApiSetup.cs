using Hangfire;
using Runner.Api.Access;
using Runner.Api.Analysis;
using Runner.Api.Batches;
using Runner.Api.Health;
using Runner.Api.Pages;
using Runner.Api.Recipes;
using Runner.Api.Workers;
using Runner.Core.Batches;
using Runner.Core.Database;
using Runner.Core.Hosting;
using Runner.Core.Queueing;
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

        builder.Services.Configure<AccessOptions>(builder.Configuration.GetSection(AccessOptions.SectionName));
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
            .AddRunnerHealthChecks()
            .AddProblemDetails()
            .AddOpenApi();
        return builder;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app) =>
        await SchemaMigrator.MigrateAsync(RunnerSettings.ConnectionString(app.Configuration), QueueOptions.From(app.Configuration).SchemaName, app.Logger);

    public static WebApplication MapRunnerApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboardKeyCookie(DashboardPath);
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AccessEndpoints.DashboardFilter()],
            DashboardTitle = "Runner jobs",
        });
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthApi();
        app.MapWorkersApi();
        app.MapAnalysisApi();
        app.MapRecipesApi();
        app.MapBatchesApi();
        app.MapPages();
        return app;
    }
}
