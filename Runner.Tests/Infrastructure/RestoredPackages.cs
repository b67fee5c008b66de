using System.Xml.Linq;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// The package versions the solution pins (Directory.Packages.props): tests compare reported library versions
/// with these rather than with literals, so a package bump changes one file.
/// </summary>
public static class RestoredPackages
{
    private static readonly Dictionary<string, string> Versions = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"))
        .Descendants("PackageVersion").ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

    public static string TorchSharp => Versions["TorchSharp"];

    public static string LibTorchCpu => Versions["libtorch-cpu-linux-x64"];
}
