using System.Text.Json.Nodes;
using Runner.Core.Batches;
using Runner.Worker.Client;

namespace Runner.Tests.Client;

/// <summary>What the terminal client writes to the API, read as the API reads it.</summary>
public sealed class ApiClientTests
{
    [Fact]
    public void A_specification_the_client_writes_is_read_back_whole_by_the_api()
    {
        var spec = new BatchSpec
        {
            Name = "demo", Base = new ArmSpec { Preset = "whitening", Overrides = new JsonObject { ["width"] = 0.125 } }, LeaveOneOut = ["whitening"],
            Seeds = 4, Queue = "cpu", Priority = "low",
        };

        var (read, errors) = BatchSpec.Read(JsonNode.Parse(ApiClient.Write(spec)));

        Assert.Empty(errors);
        Assert.Equal((spec.Name, "whitening", 0.125, "whitening", 4, "cpu", "low", null as string),
            (read!.Name, read.Base!.Preset, read.Base.Overrides!["width"]!.GetValue<double>(), read.LeaveOneOut!.Single(), read.Seeds!.GetValue<int>(), read.Queue, read.Priority, read.Data));
    }
}
