using System.Diagnostics;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (scripts/postgres.sh on a free port and a fresh folder), so a
/// test can stop and start the database under a running system without disturbing the other tests.
/// </summary>
public sealed class PrivateCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly int _port;
    private readonly string? _alsoListenOn;

    private PrivateCluster(string folder, int port, string? alsoListenOn)
    {
        (_folder, _port, _alsoListenOn) = (folder, port, alsoListenOn);
    }

    public int Port => _port;

    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Database=runner;Username=runner;Password=runner;Pooling=true";

    /// <summary>The certificate authority that signed the server's certificate, when the cluster was started with TLS.</summary>
    public string? RootCertificate { get; private set; }

    /// <param name="alsoListenOn">
    /// An address to listen on besides loopback, with scram-sha-256 password authentication for <paramref name="network"/>
    /// (clients in another network namespace); the cluster's own setup allows loopback only.
    /// </param>
    /// <param name="tls">
    /// Clients from <paramref name="network"/> must also use TLS (hostssl): the server's certificate, for
    /// <paramref name="alsoListenOn"/>, is signed by a certificate authority of the test's own (<see cref="RootCertificate"/>).
    /// </param>
    public static async Task<PrivateCluster> StartAsync(string? alsoListenOn = null, string? network = null, bool tls = false)
    {
        var folder = Path.Combine("/tmp", $"runner-pg-{Guid.NewGuid():N}"[..22]);
        var cluster = new PrivateCluster(folder, FreePort.Next(), alsoListenOn);
        await cluster.Run("pg_up");
        if (network is not null)
        {
            var data = Path.Combine(folder, "pg");
            if (tls)
            {
                var certificates = Path.Combine(folder, "tls");
                Directory.CreateDirectory(certificates);
                cluster.RootCertificate = TestCertificates.WriteServer(certificates, alsoListenOn!);
                // Copied by the cluster's own user, so that the key is its own and private, as PostgreSQL requires.
                await cluster.Run($"as_pg install -m 600 {certificates}/server.crt {certificates}/server.key \"$RUNNER_DATA_DIR/pg/\"");
                await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
            }
            await File.AppendAllTextAsync(Path.Combine(data, "pg_hba.conf"), $"{(tls ? "hostssl" : "host")} all all {network} scram-sha-256\n");
            await cluster.Run("as_pg \"$(pg_bin)/pg_ctl\" -D \"$RUNNER_DATA_DIR/pg\" reload >/dev/null");
        }
        return cluster;
    }

    public Task StopAsync() => Run("pg_down");

    public Task StartAgainAsync() => Run("pg_up");

    private async Task Run(string function)
    {
        // The folder is world-enterable, so the cluster's system user can use it when the tests run as root.
        var info = new ProcessStartInfo("bash", ["-c", $"mkdir -p \"$RUNNER_DATA_DIR\" && chmod 755 \"$RUNNER_DATA_DIR\" && source scripts/postgres.sh && pg_prepare_user && {function}"])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["RUNNER_PG_PORT"] = _port.ToString();
        info.Environment["RUNNER_DATA_DIR"] = _folder;
        // A later -c wins over pg_up's own listen_addresses.
        info.Environment["RUNNER_PG_OPTIONS"] = "-c fsync=off -c synchronous_commit=off" + (_alsoListenOn is null ? "" : $" -c listen_addresses=127.0.0.1,{_alsoListenOn}");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{function} failed ({process.ExitCode}): {await output}{await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        await Run("pg_down");
        Directory.Delete(_folder, recursive: true);
    }
}
