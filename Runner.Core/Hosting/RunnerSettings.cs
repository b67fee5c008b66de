using Microsoft.Extensions.Configuration;

namespace Runner.Core.Hosting;

/// <summary>Configuration keys shared by the API and the worker.</summary>
public static class RunnerSettings
{
    /// <summary>Read from <c>ConnectionStrings:Runner</c>, i.e. the environment variable <c>ConnectionStrings__Runner</c>.</summary>
    public const string ConnectionStringName = "Runner";

    public static string ConnectionString(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value))
            throw new StartupException($"No database connection string: set ConnectionStrings__{ConnectionStringName} (for example Host=127.0.0.1;Port=55432;Database=runner;Username=runner;Password=...).");
        return value;
    }
}
