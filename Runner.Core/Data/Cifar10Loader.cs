using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Runner.Core.Data;

/// <summary>
/// Reads CIFAR-10 in the official binary layout from <c>cifar-10-binary.tar.gz</c> or an unpacked
/// <c>cifar-10-batches-bin/</c>, checking record counts and labels. When nothing is found it downloads the
/// official archive into the cache folder and checks its MD5; offline, it says what to download and where.
/// </summary>
public static class Cifar10Loader
{
    public const string ArchiveName = "cifar-10-binary.tar.gz";
    public const string FolderName = "cifar-10-batches-bin";
    public const string OfficialUrl = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    public const string OfficialMd5 = "c32a1d4ab5d03f1284b67883e8d87530";
    private const int RecordBytes = 1 + Cifar10.ImageBytes;
    private const int RecordsPerFile = 10_000;

    private static readonly string[] TrainFiles = [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")];
    private const string TestFile = "test_batch.bin";

    /// <summary>Environment variable naming the cache folder (Docker volumes, shared disks).</summary>
    public const string CacheVariable = "RUNNER_DATA_CACHE";

    /// <summary>Environment variable naming a mirror of the archive (checked against the official MD5 all the same).</summary>
    public const string MirrorVariable = "RUNNER_CIFAR10_URL";

    public static string DefaultCacheFolder =>
        Environment.GetEnvironmentVariable(CacheVariable)
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "runner", "cifar10");

    /// <summary>Loads from <paramref name="path"/> (archive, unpacked folder, or a folder holding either); without a path from the cache, downloading there if needed.</summary>
    public static async Task<Cifar10> LoadAsync(string? path, CancellationToken ct = default)
    {
        if (path is not null)
            return Load(Resolve(path) ?? throw new DatasetException(
                $"No CIFAR-10 at '{path}': give the path of {ArchiveName}, of an unpacked {FolderName}/ folder, or of a folder holding either."));

        var cache = DefaultCacheFolder;
        if (Resolve(cache) is { } cached)
            return Load(cached);
        return Load(await DownloadAsync(cache, ct: ct));
    }

    public static string? Resolve(string path)
    {
        if (File.Exists(path))
            return path;
        if (!Directory.Exists(path))
            return null;
        if (File.Exists(Path.Combine(path, TestFile)))
            return path;
        if (Directory.Exists(Path.Combine(path, FolderName)))
            return Path.Combine(path, FolderName);
        return File.Exists(Path.Combine(path, ArchiveName)) ? Path.Combine(path, ArchiveName) : null;
    }

    public static Cifar10 Load(string path)
    {
        var files = Directory.Exists(path) ? ReadFolder(path) : ReadArchive(path);
        var (trainImages, trainLabels) = Join(TrainFiles.Select(f => Parse(f, files)).ToList());
        var (testImages, testLabels) = Parse(TestFile, files);
        return new Cifar10(trainImages, trainLabels, testImages, testLabels, path);
    }

    private static Dictionary<string, byte[]> ReadFolder(string folder) =>
        TrainFiles.Append(TestFile).Where(f => File.Exists(Path.Combine(folder, f)))
            .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(folder, f)));

    private static Dictionary<string, byte[]> ReadArchive(string archive)
    {
        var wanted = TrainFiles.Append(TestFile).ToHashSet();
        var files = new Dictionary<string, byte[]>();
        try
        {
            using var gzip = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                var name = Path.GetFileName(entry.Name);
                if (entry.DataStream is null || !wanted.Contains(name))
                    continue;
                using var buffer = new MemoryStream();
                entry.DataStream.CopyTo(buffer);
                files[name] = buffer.ToArray();
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new DatasetException($"{archive} is not a readable {ArchiveName} ({e.Message}); download it again from {OfficialUrl}.", e);
        }
        return files;
    }

    private static (byte[] Images, byte[] Labels) Parse(string name, Dictionary<string, byte[]> files)
    {
        if (!files.TryGetValue(name, out var bytes))
            throw new DatasetException($"CIFAR-10 file {name} is missing; the official layout has {string.Join(", ", TrainFiles)} and {TestFile}.");
        if (bytes.Length != RecordsPerFile * RecordBytes)
            throw new DatasetException(
                $"{name} has {bytes.Length:N0} bytes; a CIFAR-10 batch has {RecordsPerFile * RecordBytes:N0} ({RecordsPerFile:N0} records of {RecordBytes:N0} bytes), so the file is truncated or not CIFAR-10.");
        var images = new byte[RecordsPerFile * Cifar10.ImageBytes];
        var labels = new byte[RecordsPerFile];
        for (var i = 0; i < RecordsPerFile; i++)
        {
            var label = bytes[i * RecordBytes];
            if (label >= Cifar10.Classes)
                throw new DatasetException($"{name} record {i} has label {label}; CIFAR-10 labels are 0 to 9, so the file is corrupt or not CIFAR-10.");
            labels[i] = label;
            Buffer.BlockCopy(bytes, i * RecordBytes + 1, images, i * Cifar10.ImageBytes, Cifar10.ImageBytes);
        }
        return (images, labels);
    }

    private static (byte[] Images, byte[] Labels) Join(IReadOnlyList<(byte[] Images, byte[] Labels)> parts) =>
        (parts.SelectMany(p => p.Images).ToArray(), parts.SelectMany(p => p.Labels).ToArray());

    /// <summary>
    /// Downloads the archive into <paramref name="cache"/> from <paramref name="url"/> (default: the
    /// <c>RUNNER_CIFAR10_URL</c> mirror, else the official URL) and keeps it only if its MD5 is the official one.
    /// </summary>
    public static async Task<string> DownloadAsync(string cache, string? url = null, CancellationToken ct = default)
    {
        url ??= Environment.GetEnvironmentVariable(MirrorVariable) ?? OfficialUrl;
        var target = Path.Combine(cache, ArchiveName);
        var offline = $"CIFAR-10 was not found in {cache} and could not be downloaded from {url}; download {OfficialUrl} (MD5 {OfficialMd5}) and put it at {target}, or pass the path of a copy (--data).";
        Directory.CreateDirectory(cache);
        var partial = target + ".part";
        try
        {
            // A firewall that drops packets would otherwise hold the connection attempt for minutes.
            using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) }) { Timeout = TimeSpan.FromMinutes(30) };
            await using (var response = await http.GetStreamAsync(url, ct))
            await using (var file = File.Create(partial))
                await response.CopyToAsync(file, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            File.Delete(partial);
            throw new DatasetException($"{offline} ({e.Message})", e);
        }

        await using (var file = File.OpenRead(partial))
        {
            var md5 = Convert.ToHexStringLower(await MD5.HashDataAsync(file, ct));
            if (md5 != OfficialMd5)
            {
                File.Delete(partial);
                throw new DatasetException($"The downloaded {ArchiveName} has MD5 {md5}, not {OfficialMd5}; it was deleted. {offline}");
            }
        }
        File.Move(partial, target, overwrite: true);
        return target;
    }
}
