namespace Runner.Core.Hosting;

/// <summary>
/// A problem that stops a process from starting (bad configuration, database out of reach, native
/// library missing). Its message is one sentence meant for the person who started the process.
/// </summary>
public sealed class StartupException(string message, int exitCode = StartupException.ConfigurationExitCode, Exception? inner = null)
    : Exception(message, inner)
{
    public const int ConfigurationExitCode = 2;
    public const int DatabaseExitCode = 3;
    public const int NativeLibraryExitCode = 4;

    public int ExitCode { get; } = exitCode;
}
