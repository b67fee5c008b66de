using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Runner.Core.Database;
using Runner.Tests.Infrastructure;

namespace Runner.Tests.Hardening;

/// <summary>
/// A worker and a client on another machine, as far as networking goes: each in a network namespace of its own
/// joined to this one by a veth pair, with no other route, so they reach PostgreSQL and the API only over that
/// link and can send nothing anywhere else. PostgreSQL listens on the link's address with scram-sha-256 passwords
/// over TLS only (a certificate for that address, checked by the worker against the lab's own authority); the API there
/// asks for its key. Needs root (CI runs as root) for `ip netns`.
/// </summary>
public sealed class RemoteWorkerTests
{
    private const string Key = "remote-test-key";

    [Fact]
    public async Task A_worker_and_a_client_over_a_link_run_a_batch_once_and_a_wrong_password_key_or_plain_connection_is_one_sentence()
    {
        Assert.True(Environment.UserName == "root", "ip netns needs root; run the tests as root (CI does)");
        await using var link = await Link.CreateAsync();
        await using var cluster = await PrivateCluster.StartAsync(alsoListenOn: link.HostAddress, network: link.Network, tls: true);
        await SchemaMigrator.MigrateAsync(cluster.ConnectionString, "hangfire", NullLogger.Instance);
        var port = FreePort.Next();
        var api = $"http://{link.HostAddress}:{port}";
        await using var apiProcess = ChildProcess.Start(RepoPaths.ApiDirectory, "Runner.Api.dll", ["--urls", api],
            new Dictionary<string, string> { ["ConnectionStrings__Runner"] = cluster.ConnectionString, ["Access__ApiKey"] = Key });
        await WaitReadyAsync(api, apiProcess);

        var remote = $"Host={link.HostAddress};Port={cluster.Port};Database=runner;Username=runner;Password=runner;SSL Mode=VerifyFull;Root Certificate={cluster.RootCertificate}";
        await using (var refused = ChildProcess.StartWorker(remote.Replace("Password=runner", "Password=wrong"), netns: link.Namespace))
        {
            Assert.Equal(3, await refused.WaitForExitAsync(TimeSpan.FromMinutes(1)));
            Assert.Contains("password authentication failed", refused.AllOutput);
        }
        await using (var plain = ChildProcess.StartWorker(remote.Replace("SSL Mode=VerifyFull", "SSL Mode=Disable"), netns: link.Namespace))
        {
            Assert.Equal(3, await plain.WaitForExitAsync(TimeSpan.FromMinutes(1)));
            Assert.Contains("no encryption", plain.AllOutput);
        }

        using var folder = new TempFolder();
        var spec = Path.Combine(folder.Path, "remote.json");
        await File.WriteAllTextAsync(spec, TinySpec.Of("remote", seeds: 2));
        var wrongKey = await ClientAsync(link.Namespace, ["submit", spec, "--api", api, "--api-key", "wrong"]);
        Assert.NotEqual(0, wrongKey.ExitCode);
        Assert.Contains("API key", wrongKey.Output);
        var noKey = await ClientAsync(link.Namespace, ["submit", spec, "--api", api]);
        Assert.NotEqual(0, noKey.ExitCode);

        await using var worker = ChildProcess.StartWorker(remote, netns: link.Namespace);
        var submitted = await ClientAsync(link.Namespace, ["submit", spec, "--api", api, "--api-key", Key, "--watch"]);
        Assert.True(submitted.ExitCode == 0, submitted.Output + "\n" + worker.AllOutput);

        await using var db = new NpgsqlConnection(cluster.ConnectionString);
        await db.OpenAsync();
        await using var check = new NpgsqlCommand("""
            select string_agg(status || ':' || attempt || ':' || (select count(*) from epochs e where e.run_id = r.id), ',' order by id)
            from runs r
            """, db);
        Assert.Equal("succeeded:1:1,succeeded:1:1", (string?)await check.ExecuteScalarAsync());
        await using var workers = new NpgsqlCommand("select count(*) from workers where stopped_at is null and heartbeat_at > now() - interval '10 seconds'", db);
        Assert.Equal(1L, (long)(await workers.ExecuteScalarAsync())!);
        // The worker's connections come from the namespace's end of the link, all of them encrypted.
        await using var sessions = new NpgsqlCommand($"""
            select count(*) filter (where s.ssl) || '/' || count(*) from pg_stat_activity a join pg_stat_ssl s using (pid)
            where a.client_addr = '{link.NamespaceAddress}'
            """, db);
        Assert.Matches(@"^(\d+)/\1$", (string?)await sessions.ExecuteScalarAsync());
        Assert.DoesNotMatch("^0/", (string?)await sessions.ExecuteScalarAsync());
    }

    private static async Task WaitReadyAsync(string api, ChildProcess process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"{api}/readyz")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, $"The API did not become ready:\n{process.AllOutput}");
            await Task.Delay(200);
        }
    }

    private static async Task<(int ExitCode, string Output)> ClientAsync(string netns, string[] args)
    {
        await using var client = ChildProcess.Start(RepoPaths.WorkerDirectory, "Runner.Worker.dll", args, new Dictionary<string, string>(), netns);
        try
        {
            var exit = await client.WaitForExitAsync(TimeSpan.FromMinutes(5));
            return (exit, client.AllOutput);
        }
        catch (TaskCanceledException)
        {
            return (-1, $"the client did not finish in 5 minutes:\n{client.AllOutput}");
        }
    }

    /// <summary>A network namespace joined to this one by a veth pair on a /30 of its own, removed again when disposed.</summary>
    private sealed class Link : IAsyncDisposable
    {
        private readonly string _hostSide;

        private Link(string name, int subnet)
        {
            Namespace = name;
            _hostSide = $"{name}h";
            HostAddress = $"10.231.{subnet}.1";
            Network = $"10.231.{subnet}.0/30";
            NamespaceAddress = $"10.231.{subnet}.2";
        }

        public string Namespace { get; }
        public string HostAddress { get; }
        public string NamespaceAddress { get; }
        public string Network { get; }

        public static async Task<Link> CreateAsync()
        {
            var link = new Link($"rt{Guid.NewGuid():N}"[..10], Random.Shared.Next(0, 256));
            var inside = $"{link.Namespace}n";
            foreach (var command in new[]
                     {
                         $"netns add {link.Namespace}",
                         $"link add {link._hostSide} type veth peer name {inside}",
                         $"link set {inside} netns {link.Namespace}",
                         $"addr add {link.HostAddress}/30 dev {link._hostSide}",
                         $"link set {link._hostSide} up",
                         $"netns exec {link.Namespace} ip addr add {link.NamespaceAddress}/30 dev {inside}",
                         $"netns exec {link.Namespace} ip link set {inside} up",
                         $"netns exec {link.Namespace} ip link set lo up",
                     })
                await IpAsync(command);
            return link;
        }

        private static async Task IpAsync(string arguments)
        {
            var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in arguments.Split(' '))
                info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"ip {arguments} failed: {errors}");
        }

        public async ValueTask DisposeAsync()
        {
            await IpAsync($"link del {_hostSide}");
            await IpAsync($"netns del {Namespace}");
        }
    }
}
