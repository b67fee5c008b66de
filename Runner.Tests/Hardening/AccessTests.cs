using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Runner.Api.Access;
using Runner.Tests.Infrastructure;
using static Runner.Tests.Hardening.HardeningClient;

namespace Runner.Tests.Hardening;

/// <summary>
/// The access model: loopback is trusted but no other web site can act through it, the dashboard is
/// read-only without the key, the key cookie is set only for the right key, forwarding headers are
/// believed from configured proxies only, and every response carries the security headers.
/// </summary>
public sealed class AccessTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateMigratedAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<long> QueuedBatch(HttpClient client)
    {
        var answer = await PostAsync(client, "/batches", TinyBatch);
        Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
        return answer.Json!["batch"]!["id"]!.GetValue<long>();
    }

    private Task<string?> Status(long id) => _db.ScalarAsync<string>($"select status from batches where id = {id}");

    [Fact]
    public async Task A_cross_site_cancel_through_loopback_is_refused()
    {
        await using var api = new ApiFactory(_db.ConnectionString, fromLoopback: true);
        using var browser = api.CreateClient();
        var id = await QueuedBatch(browser);

        // What a page on another site can send without a CORS preflight: a simple POST with text/plain.
        AssertProblem(await SendAsync(browser, HttpMethod.Post, $"/batches/{id}/cancel", Encoding.UTF8.GetBytes("x"), "text/plain"), HttpStatusCode.UnsupportedMediaType);
        AssertProblem(await SendAsync(browser, HttpMethod.Post, $"/batches/{id}/cancel", Encoding.UTF8.GetBytes("{}"), "application/json",
            new Dictionary<string, string> { ["Sec-Fetch-Site"] = "cross-site" }), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(browser, HttpMethod.Delete, $"/batches/{id}", Encoding.UTF8.GetBytes("{}"), "application/json",
            new Dictionary<string, string> { ["Origin"] = "https://evil.example" }), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(browser, HttpMethod.Post, "/batches", Encoding.UTF8.GetBytes(TinyBatch), "application/json",
            new Dictionary<string, string> { ["Sec-Fetch-Site"] = "same-site" }), HttpStatusCode.Forbidden);
        Assert.Equal("queued", await Status(id));

        // The user's own tools: a same-origin page, curl with JSON, a client with the key.
        var sameOrigin = await SendAsync(browser, HttpMethod.Post, $"/batches/{id}/cancel", Encoding.UTF8.GetBytes("{}"), "application/json",
            new Dictionary<string, string> { ["Sec-Fetch-Site"] = "same-origin", ["Origin"] = "http://localhost" });
        Assert.True(sameOrigin.Status == HttpStatusCode.OK, sameOrigin.ToString());
        Assert.Equal("cancelled", await Status(id));
        using var withKey = api.CreateClientWithKey();
        var other = await QueuedBatch(withKey);
        var keyed = await SendAsync(withKey, HttpMethod.Post, $"/batches/{other}/cancel", null, null, new Dictionary<string, string> { ["Origin"] = "https://notebook.example" });
        Assert.True(keyed.Status == HttpStatusCode.OK, keyed.ToString());
    }

    [Fact]
    public async Task The_dashboard_is_read_only_without_the_key_and_its_forms_need_an_antiforgery_token()
    {
        await using var api = new ApiFactory(_db.ConnectionString, fromLoopback: true);
        using var local = api.CreateClient();
        var id = await QueuedBatch(local);
        var jobId = (await _db.ScalarAsync<string>($"select job_id from runs where batch_id = {id} order by position limit 1"))!;

        var page = await SendAsync(local, HttpMethod.Get, "/hangfire/jobs/enqueued/cpu-2-normal");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("js-jobs-list-command", page.Body);
        var delete = await SendAsync(local, HttpMethod.Post, $"/hangfire/jobs/actions/delete/{jobId}", Encoding.UTF8.GetBytes(""), "application/x-www-form-urlencoded");
        Assert.True((int)delete.Status is 401 or 403, delete.ToString());

        using var withKey = api.CreateClientWithKey();
        var keyedPage = await SendAsync(withKey, HttpMethod.Get, "/hangfire/jobs/enqueued/cpu-2-normal");
        Assert.Contains("js-jobs-list-command", keyedPage.Body);
        var forged = await SendAsync(withKey, HttpMethod.Post, $"/hangfire/jobs/actions/delete/{jobId}", Encoding.UTF8.GetBytes(""), "application/x-www-form-urlencoded");
        Assert.True((int)forged.Status is 401 or 403, forged.ToString());
        Assert.Equal("Enqueued", await _db.ScalarAsync<string>($"select statename from hangfire.job where id = {jobId}"));

        // The dashboard's own button: the page's token in the header it names, with the key.
        var header = Regex.Match(keyedPage.Body, "name=\"csrf-header\" content=\"([^\"]+)\"").Groups[1].Value;
        var token = Regex.Match(keyedPage.Body, "name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value;
        var button = await SendAsync(withKey, HttpMethod.Post, $"/hangfire/jobs/actions/delete/{jobId}", Encoding.UTF8.GetBytes(""), "application/x-www-form-urlencoded",
            new Dictionary<string, string> { [header] = token });
        Assert.True(button.Status == HttpStatusCode.NoContent || button.Status == HttpStatusCode.OK, button.ToString());
        Assert.Equal("Deleted", await _db.ScalarAsync<string>($"select statename from hangfire.job where id = {jobId}"));
    }

    [Fact]
    public async Task The_key_cookie_is_set_only_for_the_right_key()
    {
        await using var api = new ApiFactory(_db.ConnectionString);
        using var remote = api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        var wrong = await SendAsync(remote, HttpMethod.Get, "/hangfire?api_key=guess");
        AssertProblem(wrong, HttpStatusCode.Unauthorized);
        Assert.False(wrong.Response.Headers.Contains("Set-Cookie"));

        var right = await SendAsync(remote, HttpMethod.Get, $"/hangfire?api_key={ApiFactory.ApiKey}");
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.Contains(right.Response.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"{AccessPolicy.CookieName}=", StringComparison.Ordinal) && c.Contains("httponly"));
    }

    [Fact]
    public async Task A_trusted_proxy_is_believed_and_an_untrusted_one_is_ignored()
    {
        // A proxy on this host forwards a remote client: with the proxy trusted, the client is judged by its own address.
        await using (var behindProxy = new ApiFactory(_db.ConnectionString, new Dictionary<string, string> { ["Access:TrustedProxies:0"] = "127.0.0.1" }, fromLoopback: true))
        {
            using var client = behindProxy.CreateClient();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.9");
            AssertProblem(await PostAsync(client, "/batches", TinyBatch), HttpStatusCode.Unauthorized);
            using var local = behindProxy.CreateClient();
            Assert.Equal(HttpStatusCode.Created, (await PostAsync(local, "/batches", TinyBatch)).Status);
        }

        // A remote peer that is not a trusted proxy cannot pretend to be loopback.
        await using var direct = new ApiFactory(_db.ConnectionString, new Dictionary<string, string> { ["Access:TrustedProxies:0"] = "127.0.0.1" });
        using var spoofer = direct.CreateClient();
        spoofer.DefaultRequestHeaders.Add("X-Forwarded-For", "127.0.0.1");
        AssertProblem(await PostAsync(spoofer, "/batches", TinyBatch), HttpStatusCode.Unauthorized);
        await using var unconfigured = new ApiFactory(_db.ConnectionString);
        using var spoofer2 = unconfigured.CreateClient();
        spoofer2.DefaultRequestHeaders.Add("X-Forwarded-For", "127.0.0.1");
        AssertProblem(await PostAsync(spoofer2, "/batches", TinyBatch), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Every_response_has_security_headers_and_pages_allow_only_their_own_script_and_style()
    {
        await using var api = new ApiFactory(_db.ConnectionString, fromLoopback: true);
        using var client = api.CreateClient();
        foreach (var path in new[] { "/batches", "/ui/batches", "/healthz", "/nowhere" })
        {
            var answer = await SendAsync(client, HttpMethod.Get, path);
            Assert.Equal("nosniff", answer.Response.Headers.GetValues("X-Content-Type-Options").Single());
        }
        var page = await SendAsync(client, HttpMethod.Get, "/ui/batches");
        Assert.Equal(SecurityHeaders.PagePolicy, page.Response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Matches("<link rel=\"stylesheet\" href=\"/ui/site.css\"\\s*/?>", page.Body);
        Assert.DoesNotContain("<style", page.Body);
        Assert.DoesNotContain("style=", page.Body);
        var css = await SendAsync(client, HttpMethod.Get, "/ui/site.css");
        Assert.Equal("text/css", css.MediaType);
    }
}
