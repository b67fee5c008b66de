using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Runner.Core.Database;

public static class DatabaseServices
{
    /// <summary>One pooled <see cref="NpgsqlDataSource"/> for the process; stores open connections from it.</summary>
    public static IServiceCollection AddRunnerDatabase(this IServiceCollection services, string connectionString)
    {
        DatabaseProblem.Parse(connectionString);
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        return services;
    }
}
