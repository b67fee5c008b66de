namespace Runner.Tests.Infrastructure;

public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("runner-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
