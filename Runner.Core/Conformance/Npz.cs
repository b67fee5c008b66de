using System.IO.Compression;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Runner.Core.Conformance;

/// <summary>
/// Reads numpy's .npz archives (a zip of .npy files: a "\x93NUMPY" magic, a version, a Python-literal header with
/// descr, fortran_order and shape, then the raw little-endian values), the format the golden trajectories are in.
/// </summary>
public static partial class Npz
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.ToDictionary(e => e.FullName[..^".npy".Length], e =>
        {
            using var stream = e.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return Array(buffer.ToArray(), $"{path}:{e.FullName}");
        });
    }

    private static Tensor Array(byte[] bytes, string name)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || System.Text.Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{name} is not a .npy array.");
        var (headerLength, start) = bytes[6] == 1 ? (BitConverter.ToUInt16(bytes, 8), 10) : ((int)BitConverter.ToUInt32(bytes, 8), 12);
        var header = System.Text.Encoding.ASCII.GetString(bytes, start, headerLength);
        var match = Header().Match(header);
        if (!match.Success || match.Groups["fortran"].Value != "False")
            throw new InvalidDataException($"{name}: unsupported header {header.Trim()}.");
        var shape = match.Groups["shape"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        var data = bytes.AsSpan(start + headerLength);
        return match.Groups["descr"].Value switch
        {
            "<f4" => tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray(), shape),
            "<f8" => tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(data).ToArray(), shape),
            "<i2" => tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(data).ToArray().Select(v => (long)v).ToArray(), shape),
            "<i8" => tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data).ToArray(), shape),
            var descr => throw new InvalidDataException($"{name}: unsupported type {descr}."),
        };
    }

    [GeneratedRegex(@"'descr':\s*'(?<descr>[^']+)',\s*'fortran_order':\s*(?<fortran>\w+),\s*'shape':\s*\((?<shape>[^)]*)\)")]
    private static partial Regex Header();
}
