using System.Net;
using Runner.Core.Data;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Training;

/// <summary>The download path against a local mirror: the official MD5 is checked, a bad or missing download leaves nothing behind and says what to do.</summary>
public sealed class DownloadTests
{
    [Fact]
    public async Task A_download_whose_md5_is_not_the_official_one_is_refused_and_deleted()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}/";
        using var mirror = new HttpListener();
        mirror.Prefixes.Add(url);
        mirror.Start();
        var served = Task.Run(async () =>
        {
            var context = await mirror.GetContextAsync();
            var body = new byte[100_000];
            new Random(3).NextBytes(body);
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        });
        using var cache = new TempFolder();

        var error = await Assert.ThrowsAsync<DatasetException>(() => Cifar10Loader.DownloadAsync(cache.Path, url + "cifar-10-binary.tar.gz"));
        await served;

        Assert.Contains($"not {Cifar10Loader.OfficialMd5}", error.Message);
        Assert.Contains("it was deleted", error.Message);
        Assert.Empty(Directory.GetFiles(cache.Path));
    }

    [Fact]
    public async Task Without_a_reachable_source_it_says_what_to_download_and_where_to_put_it()
    {
        using var cache = new TempFolder();

        var error = await Assert.ThrowsAsync<DatasetException>(() => Cifar10Loader.DownloadAsync(cache.Path, $"http://127.0.0.1:{FreePort.Next()}/cifar-10-binary.tar.gz"));

        Assert.Contains(Cifar10Loader.OfficialUrl, error.Message);
        Assert.Contains(Cifar10Loader.OfficialMd5, error.Message);
        Assert.Contains(Path.Combine(cache.Path, Cifar10Loader.ArchiveName), error.Message);
        Assert.Empty(Directory.GetFiles(cache.Path));
    }
}
