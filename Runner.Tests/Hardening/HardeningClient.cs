using Runner.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Runner.Tests.Hardening;

/// <summary>Sends raw requests and reads problem responses: status, media type and the fields named.</summary>
public static class HardeningClient
{
    public static readonly string TinyBatch = TinySpec.Of("tiny", seeds: 2, images: 300, trainSubset: 256);

    public sealed record Answer(HttpStatusCode Status, string? MediaType, string Body, HttpResponseMessage Response)
    {
        public JsonNode? Json => Body.Length > 0 && MediaType?.Contains("json") == true ? JsonNode.Parse(Body) : null;

        public IReadOnlyCollection<string> Fields => Json?["errors"] is JsonObject errors ? errors.Select(e => e.Key).ToList() : [];

        public override string ToString() => $"{(int)Status} {MediaType}: {(Body.Length > 400 ? Body[..400] : Body)}";
    }

    public static async Task<Answer> SendAsync(HttpClient client, HttpMethod method, string path, byte[]? body = null,
        string? contentType = "application/json", IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), response);
    }

    public static Task<Answer> PostAsync(HttpClient client, string path, string json, string? contentType = "application/json") =>
        SendAsync(client, HttpMethod.Post, path, Encoding.UTF8.GetBytes(json), contentType);

    /// <summary>A 4xx problem+json that names <paramref name="field"/> among its errors.</summary>
    public static void AssertProblem(Answer answer, HttpStatusCode status, string? field = null)
    {
        Assert.True(answer.Status == status, $"expected {(int)status}, got {answer}");
        Assert.True(answer.MediaType == "application/problem+json", $"not problem+json: {answer}");
        if (field is not null)
            Assert.True(answer.Fields.Contains(field), $"field '{field}' not named: {answer}");
    }
}
