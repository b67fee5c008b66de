using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Runner.Core.Batches;
using Runner.Core.Hosting;
using Runner.Core.Validation;

namespace Runner.Worker.Client;

/// <summary>The Runner API seen from the command line; failures become one sentence (a <see cref="StartupException"/>).</summary>
public sealed class ApiClient(string baseUrl, string? apiKey) : IDisposable
{
    /// <summary>Exit codes of the client verbs: the API refused the input (4xx), or could not be reached or failed (5xx).</summary>
    public const int RefusedExitCode = 2;
    public const int UnreachableExitCode = 3;

    public static readonly Option<string> ApiOption = new("--api")
    {
        Description = "Runner API URL (default: RUNNER_API_URL, else http://127.0.0.1:5080)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RUNNER_API_URL") ?? "http://127.0.0.1:5080",
    };

    public static readonly Option<string?> KeyOption = new("--api-key")
    {
        Description = "API key, needed when the API is not on this machine (default: RUNNER_API_KEY, else Access__ApiKey)",
    };

    private static readonly JsonSerializerOptions Request = new(JsonNames.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly HttpClient _http = Create(baseUrl, apiKey);

    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public static ApiClient From(ParseResult result) => new(result.GetValue(ApiOption)!,
        result.GetValue(KeyOption) ?? Environment.GetEnvironmentVariable("RUNNER_API_KEY") ?? Environment.GetEnvironmentVariable("Access__ApiKey"));

    private static HttpClient Create(string baseUrl, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (!string.IsNullOrEmpty(apiKey))
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return http;
    }

    /// <summary>Submits a batch specification; the answer is the batch as created (or as it was, for a key already used).</summary>
    public Task<BatchState> SubmitAsync(string spec, CancellationToken ct, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "batches") { Content = new StringContent(spec, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Send<BatchState>(request, ct);
    }

    public Task<BatchState> SubmitAsync(BatchSpec spec, CancellationToken ct) => SubmitAsync(Write(spec), ct);

    /// <summary>A batch specification as the API reads it: web names, members left null left out.</summary>
    public static string Write(BatchSpec spec) => JsonSerializer.Serialize(spec, Request);

    public Task<BatchState> BatchAsync(long id, CancellationToken ct) => GetAsync<BatchState>($"batches/{id}", ct);

    public Task<IReadOnlyList<RunRecord>> RunsAsync(long id, CancellationToken ct) => GetAsync<IReadOnlyList<RunRecord>>($"batches/{id}/runs", ct);

    public Task<BatchState> CancelAsync(long id, CancellationToken ct) =>
        Send<BatchState>(new HttpRequestMessage(HttpMethod.Delete, $"batches/{id}") { Content = new StringContent("", Encoding.UTF8, "application/json") }, ct);

    /// <summary>A response of the API read as its own record (<see cref="JsonNames.Web"/>).</summary>
    public Task<T> GetAsync<T>(string path, CancellationToken ct) => Send<T>(new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')), ct);

    public async Task<string> GetTextAsync(string path, CancellationToken ct, string accept = "text/plain")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.Accept.ParseAdd(accept);
        using var response = await Checked(request, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    private async Task<T> Send<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        using (var response = await Checked(request, ct))
            return (await response.Content.ReadFromJsonAsync<T>(JsonNames.Web, ct))!;
    }

    private async Task<HttpResponseMessage> Checked(HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new StartupException($"Cannot reach the Runner API at {BaseUrl} ({e.Message}); start it with ./scripts/start.sh or pass --api.", UnreachableExitCode);
        }
        if (response.IsSuccessStatusCode)
            return response;
        var body = await response.Content.ReadAsStringAsync(ct);
        var status = (int)response.StatusCode;
        response.Dispose();
        throw new StartupException($"{request.Method} {request.RequestUri} answered {status}: {Problem(body)}", status >= 500 ? UnreachableExitCode : RefusedExitCode);
    }

    /// <summary>The problem's title and field errors in one line.</summary>
    private static string Problem(string body)
    {
        try
        {
            var problem = JsonNode.Parse(body)!;
            var errors = problem["errors"]?.AsObject().Select(e => $"{e.Key}: {e.Value![0]}") ?? [];
            return string.Join(" ", new[] { problem["title"]?.GetValue<string>(), problem["detail"]?.GetValue<string>() }.OfType<string>().Concat(errors));
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Length > 300 ? body[..300] : body;
        }
    }

    public void Dispose() => _http.Dispose();
}
