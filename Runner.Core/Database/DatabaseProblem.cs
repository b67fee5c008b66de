using System.Net.Sockets;
using Npgsql;
using Runner.Core.Hosting;

namespace Runner.Core.Database;

/// <summary>Turns a failure to reach PostgreSQL into one sentence that says what to fix.</summary>
public static class DatabaseProblem
{
    public static StartupException Describe(string connectionString, Exception error)
    {
        var where = Where(connectionString);
        var reason = error switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } p
                => $"it rejected the user name or password ({p.MessageText})",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } p => p.MessageText,
            PostgresException p => p.MessageText,
            NpgsqlException { InnerException: SocketException s } => s.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "nothing is listening there",
                SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "the host name does not resolve",
                _ => s.Message,
            },
            NpgsqlException { InnerException: TimeoutException } => "the connection timed out",
            _ => error.GetBaseException().Message,
        };
        return new StartupException(
            $"Cannot use the PostgreSQL database at {where}: {reason.TrimEnd('.')}; check ConnectionStrings__{RunnerSettings.ConnectionStringName} or start the local database with scripts/start.sh.",
            StartupException.DatabaseExitCode, error);
    }

    /// <summary>
    /// Whether an error (or one it wraps, as Hangfire's client does) means PostgreSQL is away for now
    /// (refused, restarting, shutting down, timed out) rather than that the request was wrong.
    /// </summary>
    public static bool IsUnavailable(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: var state } ? state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal)
                : e is NpgsqlException { IsTransient: true } or SocketException)
                return true;
        return false;
    }

    public static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new StartupException($"ConnectionStrings__{RunnerSettings.ConnectionStringName} is not a valid PostgreSQL connection string: {e.Message}", inner: e);
        }
    }

    private static string Where(string connectionString)
    {
        var b = Parse(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database} (user {b.Username})";
    }
}
