using System.Reflection;
using System.Text.Json;
using TorchSharp;

namespace Runner.Core.Devices;

public static class TorchVersions
{
    public static string TorchSharp()
    {
        var version = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";
        return version.Split('+')[0];
    }

    /// <summary>
    /// The native libtorch: from RUNNER_LIBTORCH_DIR when given, else the package the program was restored with
    /// (libtorch-cpu-linux-x64 or libtorch-cuda-12.8-linux-x64), read from the dependency manifests the host loaded.
    /// </summary>
    public static string LibTorch()
    {
        if (LibTorchDirectory.Configured is { } directory)
            return $"{LibTorchDirectory.Version(directory)} ({directory})";
        var depsFiles = (AppContext.GetData("APP_CONTEXT_DEPS_FILES") as string ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in depsFiles.Where(File.Exists))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            if (!json.RootElement.TryGetProperty("libraries", out var libraries))
                continue;
            foreach (var library in libraries.EnumerateObject())
            {
                if (library.Name.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase))
                {
                    var parts = library.Name.Split('/');
                    return $"{parts[1]} ({parts[0]})";
                }
            }
        }
        return "unknown";
    }
}
