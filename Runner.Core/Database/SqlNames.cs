namespace Runner.Core.Database;

/// <summary>
/// The stored names of run and batch statuses and of run error kinds as SQL literals, for the queries that filter or
/// set them: the one place they are written in SQL. Each is its value's JsonNames name in quotes (SqlNamesTests).
/// </summary>
public static class SqlNames
{
    public const string Queued = "'queued'";
    public const string Running = "'running'";
    public const string Succeeded = "'succeeded'";
    public const string Failed = "'failed'";
    public const string Cancelled = "'cancelled'";
    public const string Completed = "'completed'";

    /// <summary>The statuses of a run or batch that is not finished.</summary>
    public const string Active = $"({Queued}, {Running})";

    public const string Transient = "'transient'";
    public const string WorkerLost = "'worker-lost'";
}
