using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Runner.Core.Devices;

namespace Runner.Tests.Infrastructure;

/// <summary>A real Runner process (worker or API) started with `dotnet X.dll`, its output collected for assertions.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public IReadOnlyList<string> Stdout => _stdout.ToArray();
    public IReadOnlyList<string> Stderr => _stderr.ToArray();
    public string AllOutput => string.Join('\n', Stdout.Concat(Stderr));

    /// <param name="netns">A network namespace to run in (`ip netns exec`, which execs the program under the same process id); null: this one.</param>
    public static ChildProcess Start(string directory, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? netns = null)
    {
        var info = new ProcessStartInfo(netns is null ? "dotnet" : "ip")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (netns is not null)
            foreach (var arg in new[] { "netns", "exec", netns, "dotnet" })
                info.ArgumentList.Add(arg);
        info.ArgumentList.Add(Path.Combine(directory, dll));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return new ChildProcess(Process.Start(info)!);
    }

    public static ChildProcess StartWorker(string connectionString, IReadOnlyDictionary<string, string>? settings = null, string? directory = null, string? netns = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Runner"] = connectionString,
            ["Worker__HeartbeatSeconds"] = "1",
            ["Worker__Threads"] = "1",
            ["Worker__ShutdownTimeoutSeconds"] = "10",
            ["Queue__PollIntervalSeconds"] = "1",
            [NativeAllocator.ArenaVariable] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;
        return Start(directory ?? RepoPaths.WorkerDirectory, "Runner.Worker.dll", ["serve", "--device", "cpu"], environment, netns);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!AllOutput.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The process exited ({_process.ExitCode}) before printing '{text}':\n{AllOutput}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"'{text}' did not appear within {timeout}:\n{AllOutput}");
            await Task.Delay(50);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM: what Docker and systemd send to stop a service.</summary>
    public void Terminate() => _ = Kill(_process.Id, 15);

    /// <summary>SIGKILL: the worker dies without running any shutdown code.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
