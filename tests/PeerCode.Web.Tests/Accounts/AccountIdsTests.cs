using FluentAssertions;
using PeerCode.Application.Accounts;
using Xunit;

namespace PeerCode.Web.Tests.Accounts;

public sealed class AccountIdsTests
{
    [Fact]
    public void Account_ids_are_RFC_9562_version_5_uuids_of_the_normalized_email_as_Python_uuid5_computes_them()
    {
        // Expected values from Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') and uuid.uuid5(UUID('3d8f6c2e-...'), 'ada@example.com').
        AccountIds.NameBased(Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org").Should().Be(Guid.Parse("886313e1-3b8a-5372-9b90-0c9aee199e5d"));
        AccountIds.ForEmail(" Ada@EXAMPLE.com").Should().Be(Guid.Parse("8562444a-47d6-5bd1-9f95-7a58c71df3ef"));
    }
}
