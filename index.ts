import { deployEnvironment } from "./components/genesys-environment";
import { readEnvironment } from "./components/stack-config";

export = deployEnvironment(readEnvironment());
