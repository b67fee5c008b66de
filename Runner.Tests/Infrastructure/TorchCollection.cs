namespace Runner.Tests.Infrastructure;

/// <summary>
/// libtorch's CPU random generator is global to the process: a test that seeds it and then initialises a
/// network must not run beside another test that draws from it. Test classes that use it run one after
/// another (a worker runs one job at a time for the same reason).
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    public const string Name = "libtorch global generator";
}
