using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Runner.Api.Health;

public static class HealthApi
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddRunnerHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }

    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: it can also reach the database.</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health");
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).WithTags("Health");
        return app;
    }
}
