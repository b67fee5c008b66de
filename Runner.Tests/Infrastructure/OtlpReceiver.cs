using System.Collections.Concurrent;
using System.Net;

namespace Runner.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP collector stand-in on a loopback port: it keeps every export's body (protobuf, not decoded) by the
/// path it was sent to (/v1/traces, /v1/metrics, /v1/logs) and answers 200, as a collector does.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();

    public OtlpReceiver()
    {
        Endpoint = $"http://localhost:{FreePort.Next()}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    /// <summary>The bodies exported to <paramref name="path"/> so far.</summary>
    public IReadOnlyList<byte[]> Bodies(string path) => _exports.Where(e => e.Path == path).Select(e => e.Body).ToList();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _exports.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
