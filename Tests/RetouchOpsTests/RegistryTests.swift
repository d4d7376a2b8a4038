import Testing
import RetouchCore
@testable import RetouchOps

private struct Dummy: NamedEntry { let name: String; let summary = "" }

@Test func unknownNamesAreRejectedWithTheValidOnes() {
    let registry = Registry(kind: "thing", [Dummy(name: "a"), Dummy(name: "b")])
    #expect(registry.names == ["a", "b"])
    #expect((try? registry.lookup("b"))?.name == "b")
    do {
        _ = try registry.lookup("c")
        Issue.record("lookup of an unknown name succeeded")
    } catch let error as RetouchError {
        #expect(error.message.contains("a, b"))
        #expect(error.code == .invalidArgument)
    } catch { Issue.record("wrong error \(error)") }
}
