namespace Runner.Tests.Infrastructure;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release, whichever this test assembly was built as; the projects it references were built the same way.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string WorkerDirectory => Path.Combine(Root, "Runner.Worker", "bin", Configuration, "net10.0");
    public static string ApiDirectory => Path.Combine(Root, "Runner.Api", "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "runner.sln")))
                return dir.FullName;
        throw new InvalidOperationException("runner.sln not found above the test output folder.");
    }
}
