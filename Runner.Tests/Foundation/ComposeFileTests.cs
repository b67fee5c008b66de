using Npgsql;
using Runner.Api.Access;
using Runner.Api.Workers;
using Runner.Core.Batches;
using Runner.Core.Data;
using Runner.Core.Devices;
using Runner.Core.Hosting;
using Runner.Core.Queueing;
using Runner.Core.Telemetry;
using Runner.Tests.Infrastructure;
using Runner.Worker.Serve;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Runner.Tests.Foundation;

/// <summary>
/// No Docker engine runs here, so the compose file is checked against the code: services, images, health
/// checks, volumes, and every environment variable against the configuration keys the programs read.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly Dictionary<string, object> Compose = Load("docker-compose.yml");
    private static readonly Dictionary<string, object> Services = Map(Compose["services"]);

    /// <summary>The workers of a farm's other machines.</summary>
    private static readonly Dictionary<string, object> WorkerCompose = Load("docker-compose.worker.yml");

    private static Dictionary<string, object> Load(string file)
    {
        using var reader = new StreamReader(Path.Combine(RepoPaths.Root, file));
        var parsed = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        return Map(parsed);
    }

    private static Dictionary<string, object> Map(object node) =>
        ((Dictionary<object, object>)node).ToDictionary(e => (string)e.Key, e => e.Value);

    private static Dictionary<string, object> Service(string name) => Map(Services[name]);

    private static Dictionary<string, string> Environment(string service) =>
        Map(Service(service)["environment"]).ToDictionary(e => e.Key, e => e.Value.ToString()!);

    private static IEnumerable<string> OptionKeys(string section, Type options) =>
        options.GetProperties().Select(p => $"{section}__{p.Name}");

    private static readonly string[] SharedKeys =
    [
        $"ConnectionStrings__{RunnerSettings.ConnectionStringName}",
        "Logging__Console__FormatterName", RunnerTelemetry.OtlpEndpoint,
        .. OptionKeys(QueueOptions.SectionName, typeof(QueueOptions)),
    ];

    private static readonly string[] ApiKeys =
    [
        .. SharedKeys, "ASPNETCORE_HTTP_PORTS",
        .. OptionKeys(AccessOptions.SectionName, typeof(AccessOptions)),
        .. OptionKeys(WorkersOptions.SectionName, typeof(WorkersOptions)),
        .. OptionKeys(BatchLimits.SectionName, typeof(BatchLimits)),
    ];

    private static readonly string[] WorkerKeys =
    [
        .. SharedKeys, .. OptionKeys(WorkerOptions.SectionName, typeof(WorkerOptions)),
        .. OptionKeys(DatasetOptions.SectionName, typeof(DatasetOptions)), Cifar10Loader.CacheVariable,
    ];

    private static string[] WorkerServices => Services.Keys.Where(k => k.StartsWith("worker-", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void Postgres_uses_the_official_image_a_named_volume_and_a_health_check()
    {
        var postgres = Service("postgres");
        Assert.StartsWith("postgres:", (string)postgres["image"]);
        Assert.Contains("pg_isready", string.Join(' ', (List<object>)Map(postgres["healthcheck"])["test"]));
        var volume = Assert.Single((List<object>)postgres["volumes"]);
        var name = ((string)volume).Split(':')[0];
        Assert.Equal("/var/lib/postgresql/data", ((string)volume).Split(':')[1]);
        Assert.True(Map(Compose["volumes"]).ContainsKey(name), $"volume {name} is not declared");
    }

    [Fact]
    public void Every_environment_variable_is_a_key_the_program_reads()
    {
        Assert.All(Environment("api").Keys, key => Assert.Contains(key, ApiKeys));
        Assert.All(WorkerServices, service => Assert.All(Environment(service).Keys, key => Assert.Contains(key, WorkerKeys)));
    }

    [Fact]
    public void The_connection_strings_point_at_the_postgres_service_and_its_database()
    {
        var postgres = Map(Service("postgres")["environment"]);
        foreach (var service in WorkerServices.Append("api"))
        {
            var cs = new NpgsqlConnectionStringBuilder(Environment(service)[$"ConnectionStrings__{RunnerSettings.ConnectionStringName}"]);
            Assert.Equal(("postgres", 5432), (cs.Host, cs.Port));
            Assert.Equal(postgres["POSTGRES_DB"], cs.Database);
            Assert.Equal(postgres["POSTGRES_USER"], cs.Username);
            Assert.Equal("service_healthy", Map(Map(Service(service)["depends_on"])["postgres"])["condition"]);
        }
    }

    [Fact]
    public void The_api_takes_its_key_from_the_environment_and_checks_readiness_on_its_port()
    {
        var environment = Environment("api");
        Assert.StartsWith("${", environment["Access__ApiKey"]);
        var port = environment["ASPNETCORE_HTTP_PORTS"];
        var check = string.Join(' ', (List<object>)Map(Service("api")["healthcheck"])["test"]);
        Assert.Contains($"/dev/tcp/127.0.0.1/{port}", check);
        Assert.Contains("/readyz", check);
        Assert.Contains($"{port}:{port}", ((List<object>)Service("api")["ports"]).Cast<string>());
    }

    [Fact]
    public void Gpu_workers_are_cuda_builds_with_one_reserved_gpu_each()
    {
        var gpuWorkers = WorkerServices.Where(s => s.StartsWith("worker-gpu", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(gpuWorkers);
        var reserved = new List<string>();
        foreach (var service in gpuWorkers)
        {
            var spec = Service(service);
            var args = Map(Map(spec["build"])["args"]);
            Assert.Equal("cuda", args["TORCH_BACKEND"]);
            Assert.Contains("ubuntu24.04", (string)args["BASE_IMAGE"]);
            Assert.Equal(DeviceKind.Cuda, WorkerDevice.Parse(Environment(service)["Worker__Device"], service).Kind);
            var device = Map(Assert.Single((List<object>)Map(Map(Map(spec["deploy"])["resources"])["reservations"])["devices"]));
            Assert.Equal("nvidia", device["driver"]);
            Assert.Contains("gpu", ((List<object>)device["capabilities"]).Cast<string>());
            reserved.Add((string)Assert.Single((List<object>)device["device_ids"]));
        }
        Assert.Equal(reserved.Count, reserved.Distinct().Count());
    }

    [Fact]
    public void The_cpu_worker_is_a_cpu_build_behind_a_profile()
    {
        var spec = Service("worker-cpu");
        Assert.Equal(["cpu"], ((List<object>)spec["profiles"]).Cast<string>());
        Assert.Equal("cpu", Map(Map(spec["build"])["args"])["TORCH_BACKEND"]);
        Assert.Equal(WorkerDevice.Cpu, WorkerDevice.Parse(Environment("worker-cpu")["Worker__Device"], "worker-cpu"));
        Assert.False(spec.ContainsKey("deploy"));
    }

    [Fact]
    public void Postgres_is_published_on_loopback_unless_an_address_is_given_for_workers_elsewhere()
    {
        Assert.Equal(["${RUNNER_DB_BIND:-127.0.0.1}:5432:5432"], ((List<object>)Service("postgres")["ports"]).Cast<string>());
    }

    [Fact]
    public void The_worker_file_runs_the_same_workers_against_a_database_named_by_the_environment()
    {
        var services = Map(WorkerCompose["services"]);
        Assert.Equal(["worker-cpu", "worker-gpu0"], services.Keys.Order());
        foreach (var (name, node) in services)
        {
            var spec = Map(node);
            var environment = Map(spec["environment"]).ToDictionary(e => e.Key, e => e.Value.ToString()!);
            Assert.All(environment.Keys, key => Assert.Contains(key, WorkerKeys));
            Assert.StartsWith("${RUNNER_DATABASE:?", environment[$"ConnectionStrings__{RunnerSettings.ConnectionStringName}"]);
            Assert.False(spec.ContainsKey("depends_on"), $"{name} must not wait for a database service this file does not have");
            // The same build and device settings as the main file's worker of that name.
            var main = Service(name);
            Assert.Equal(Map(Map(main["build"])["args"]), Map(Map(spec["build"])["args"]));
            Assert.Equal(Environment(name)["Worker__Device"], environment["Worker__Device"]);
            Assert.Equal(main["stop_grace_period"], spec["stop_grace_period"]);
        }
    }

    [Fact]
    public void Every_build_names_a_dockerfile_that_exists_and_passes_the_torch_backend_switch()
    {
        foreach (var (name, _) in Services.Where(s => Map(s.Value).ContainsKey("build")))
        {
            var dockerfile = Path.Combine(RepoPaths.Root, (string)Map(Service(name)["build"])["dockerfile"]);
            Assert.True(File.Exists(dockerfile), $"{name}: {dockerfile} is missing");
            var text = File.ReadAllText(dockerfile);
            if (name.StartsWith("worker-", StringComparison.Ordinal))
            {
                Assert.Contains("-p:TorchBackend=${TORCH_BACKEND}", text);
                Assert.Contains("ARG BASE_IMAGE", text);
            }
        }
    }
}
